package dev.isr4j.text;

/**
 * What a header field may hold once it leaves isr4j (RFC 9110 section 5): a name is a token, a value holds
 * visible Latin-1 characters, spaces and tabs (no CR, LF, NUL or other control). One definition for what handlers return, what is stored, and what is read back.
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

    /**
     * True when {@code value} can be sent as one field value (RFC 9110 section 5.5): visible characters, space,
     * tab and obs-text (U+0080-U+00FF) only - so no CR, LF, NUL or other control, and nothing the Fetch API's
     * {@code Headers} would refuse (it takes Latin-1 strings).
     */
    public static boolean isValidValue(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }
}
