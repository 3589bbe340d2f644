package dev.isr4j.example;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The example's product catalogue: fixed data until the example reads a database (issue 26). Instants are built
 * from epoch seconds: {@code Instant.parse} would compile java.time's formatters into the module (~115 KB gzipped).
 */
final class Catalogue {
    private static final Map<String, Product> PRODUCTS = Map.of(
            "saw-1", new Product("saw-1", "Japanese pull saw", new BigDecimal("15.90"), 42,
                    Instant.ofEpochSecond(1_796_117_400) /* 2026-12-01T09:30:00Z */, Product.Category.TOOL,
                    List.of(new Product.Supplier("ACME", "DE"), new Product.Supplier("Bolt & Co", "FR")), null),
            // a name a careless template would run as script: the page must show it, escaped
            "xss-1", new Product("xss-1", "<script>alert(\"owned\")</script> mug", new BigDecimal("7.50"), 3,
                    Instant.ofEpochSecond(1_796_212_800) /* 2026-12-02T12:00:00Z */, Product.Category.FOOD, List.of(),
                    "Dishwasher safe <b>if</b> you trust it"));

    private Catalogue() {
    }

    /** The product, or null when there is none by that id. */
    static Product find(String id) {
        return PRODUCTS.get(id);
    }
}
