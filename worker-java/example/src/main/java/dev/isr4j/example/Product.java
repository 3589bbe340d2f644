package dev.isr4j.example;

import dev.isr4j.bind.Jsonable;
import java.math.BigDecimal;
import java.time.Instant;

import java.util.List;

/** A catalogue entry, as the example's JSON routes take and give it. */
@Jsonable
public record Product(String id, String name, BigDecimal price, long stockUnits, Instant listedAt, Category category,
                      List<Supplier> suppliers, String note) {
    public enum Category { BOOK, TOOL, FOOD }

    public record Supplier(String name, String country) {
    }
}
