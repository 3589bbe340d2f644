package dev.isr4j.text;


/**
 * Tag rules: 1-256 UTF-16 code units of well-formed Unicode (no lone surrogate), no C0 or C1 control
 * character (U+0000-U+001F, U+007F-U+009F), no ':' or '\' (reserved for keys and path tags). A tag ends up
 * in a KV key and a response header, so anything that cannot travel there is refused here, with the reason.
 */
public final class Tags {
    public static final int MAX_LENGTH = 256;

    private Tags() {
    }

    public static boolean isValid(String tag) {
        return problem(tag) == null;
    }

    /** Throws {@link IllegalArgumentException} naming the tag (printable) and what is wrong with it. */
    public static void validate(String tag) {
        String problem = problem(tag);
        if (problem != null) {
            throw new IllegalArgumentException("Invalid cache tag " + Text.quote(tag) + ": " + problem);
        }
    }

    /** What is wrong with {@code tag}, or null when it is valid. */
    public static String problem(String tag) {
        if (tag == null || tag.isEmpty()) {
            return "a tag needs 1 to " + MAX_LENGTH + " characters";
        }
        if (tag.length() > MAX_LENGTH) {
            return "it has " + tag.length() + " characters; the limit is " + MAX_LENGTH;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "it contains the control character " + codePoint(c) + " at index " + i;
            }
            if (c == ':' || c == '\\') {
                return "it contains '" + c + "', which is reserved";
            }
            if (Character.isHighSurrogate(c) && i + 1 < tag.length() && Character.isLowSurrogate(tag.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "it contains a lone surrogate " + codePoint(c) + " at index " + i
                        + " (not well-formed Unicode)";
            }
        }
        return null;
    }

    private static String codePoint(char c) {
        return "U+" + Text.asciiUpperCase(Text.hex4(c));
    }
}
