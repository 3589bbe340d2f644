package dev.isr4j.build;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The name under which Miniflare stores a binding's local data: the hex id its Durable Object namespace derives
 * from the binding's id ({@code idFromName}), a 16-byte HMAC of the name under a key from the namespace's unique
 * key, followed by a 16-byte HMAC of that. Checked against files `wrangler d1 execute --local` wrote.
 */
final class MiniflareIds {
    private MiniflareIds() {
    }

    static String idFromName(String uniqueKey, String name) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256").digest(uniqueKey.getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] nameHmac = java.util.Arrays.copyOf(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)), 16);
            byte[] check = java.util.Arrays.copyOf(mac.doFinal(nameHmac), 16);
            var hex = new StringBuilder(64);
            for (byte b : nameHmac) {
                hex.append(String.format("%02x", b));
            }
            for (byte b : check) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 and HmacSHA256 are part of every JDK", e);
        }
    }
}
