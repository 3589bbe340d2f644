package dev.isr4j.internal;

/**
 * What a header field may hold once it leaves isr4j (RFC 9110 section 5): a name is a token, a value holds
 * no CR, LF or NUL. One definition for what handlers return, what is stored, and what is read back.
 */
public final class HeaderFields {
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeaderFields() {
    }

    /** True when {@code name} is a non-empty RFC 9110 token (visible ASCII, no delimiters). */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code value} can be sent as one field value: no CR, LF or NUL. */
    public static boolean isValidValue(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }
}
