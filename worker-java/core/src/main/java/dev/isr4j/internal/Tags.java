package dev.isr4j.internal;

/** Tag rules: 1-256 characters, no control characters, no ':' or '\' (reserved for keys and path tags). */
public final class Tags {
    public static final int MAX_LENGTH = 256;

    private Tags() {
    }

    public static boolean isValid(String tag) {
        return problem(tag) == null;
    }

    public static void validate(String tag) {
        String problem = problem(tag);
        if (problem != null) {
            throw new IllegalArgumentException("Invalid cache tag " + (tag == null ? "null" : "'" + tag + "'")
                    + ": " + problem);
        }
    }

    private static String problem(String tag) {
        if (tag == null || tag.isEmpty()) {
            return "a tag needs 1 to " + MAX_LENGTH + " characters";
        }
        if (tag.length() > MAX_LENGTH) {
            return "it has " + tag.length() + " characters; the limit is " + MAX_LENGTH;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "it contains a control character at index " + i;
            }
            if (c == ':' || c == '\\') {
                return "it contains '" + c + "', which is reserved";
            }
        }
        return null;
    }
}
