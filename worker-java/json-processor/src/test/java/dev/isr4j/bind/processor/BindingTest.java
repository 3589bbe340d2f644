package dev.isr4j.bind.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.bind.JsonBinding;
import dev.isr4j.bind.JsonBindingException;
import dev.isr4j.bind.processor.fixtures.Account;
import dev.isr4j.bind.processor.fixtures.Product;
import dev.isr4j.bind.processor.fixtures.Tree;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The adapters the processor generated for the fixtures, through the runtime's front door. */
class BindingTest {
    private static final Product SAW = new Product("p1", "<script>alert(1)</script>", new BigDecimal("15.90"),
            1L << 60, Instant.parse("2026-12-07T10:00:00Z"), Product.Kind.TOOL,
            List.of(new Product.Supplier("ACME", "DE")), Set.of("b", "a", "c"), Map.of("z", 1, "y", 2),
            Optional.empty(), null, 3, true, 0.5);

    private static final String SAW_JSON = "{\"id\":\"p1\",\"name\":\"<script>alert(1)</script>\",\"price\":15.90,"
            + "\"big\":1152921504606846976,\"at\":\"2026-12-07T10:00:00Z\",\"kind\":\"TOOL\","
            + "\"suppliers\":[{\"name\":\"ACME\",\"country\":\"DE\"}],\"tags\":[\"a\",\"b\",\"c\"],"
            + "\"stock\":{\"y\":2,\"z\":1},\"note\":null,\"missing\":null,\"count\":3,\"active\":true,\"ratio\":0.5}";

    @Test
    void aRecordIsWrittenWithEveryMemberExactly() {
        assertEquals(SAW_JSON, JsonBinding.toJson(SAW));
    }

    @Test
    void whatIsWrittenReadsBackEqual() {
        Product back = JsonBinding.fromJson(SAW_JSON, Product.class);
        assertEquals(new BigDecimal("15.90"), back.price()); // scale kept: equals() compares it
        assertEquals(1L << 60, back.big());
        assertEquals(SAW_JSON, JsonBinding.toJson(back));
    }

    @Test
    void unknownMembersAreIgnoredAndMissingOnesTakeDefaults() {
        Product p = JsonBinding.fromJson("{\"id\":\"x\",\"extra\":{\"deep\":[1,{\"a\":null}]},\"more\":\"y\"}",
                Product.class);
        assertEquals("x", p.id());
        assertEquals(0, p.count());
        assertEquals(Optional.empty(), p.note());
        assertEquals(null, p.suppliers());
    }

    @Test
    void aMistypedMemberIsAnErrorNamingItsPlace() {
        var e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"suppliers\":[{\"name\":\"A\",\"country\":42}]}", Product.class));
        assertEquals("$.suppliers[0].country", e.path());
        assertTrue(e.getMessage().contains("expected a string, found the number 42"), e.getMessage());

        e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"count\":\"many\"}", Product.class));
        assertEquals("$.count", e.path());
        assertTrue(e.getMessage().contains("found a string"), e.getMessage());

        e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"count\":1.5}", Product.class));
        assertTrue(e.getMessage().contains("found 1.5"), e.getMessage());

        e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"kind\":\"CAR\"}", Product.class));
        assertTrue(e.getMessage().contains("expected one of BOOK, TOOL, found \"CAR\""), e.getMessage());

        e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"at\":\"yesterday\"}", Product.class));
        assertEquals("$.at", e.path());
    }

    @Test
    void truncatedJsonIsAnErrorSayingWhere() {
        var e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"id\":\"p1\",\"suppliers\":[{\"name\":", Product.class));
        assertTrue(e.getMessage().contains("end of the text"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1, column 33"), e.getMessage());
    }

    @Test
    void aClassIsBoundThroughItsGettersSettersAndVisibleFields() {
        Account a = new Account();
        a.setOwner("ann");
        a.balance = 7;
        a.getNotes().add("n1");
        assertEquals("{\"owner\":\"ann\",\"balance\":7,\"notes\":[\"n1\"]}", JsonBinding.toJson(a));
        Account back = JsonBinding.fromJson("{\"owner\":\"bob\",\"balance\":9,\"notes\":[\"x\"],\"secret\":\"no\"}",
                Account.class);
        assertEquals("bob", back.getOwner());
        assertEquals(9, back.balance);
        assertEquals(List.of(), back.getNotes()); // read-only: not set from JSON
    }

    @Test
    void aRecursiveTypeRoundTripsAndItsConstructorsRulesBecomeBindingErrors() {
        var tree = new Tree("root", List.of(new Tree("leaf", List.of())));
        String json = JsonBinding.toJson(tree);
        assertEquals("{\"label\":\"root\",\"children\":[{\"label\":\"leaf\",\"children\":[]}]}", json);
        assertEquals(tree, JsonBinding.fromJson(json, Tree.class));
        var e = assertThrows(JsonBindingException.class,
                () -> JsonBinding.fromJson("{\"label\":\"ok\",\"children\":[{\"label\":\" \"}]}", Tree.class));
        assertTrue(e.getMessage().contains("Tree refused these values: label must not be blank"), e.getMessage());
    }

    @Test
    void listsAndMapsOfBoundValuesAreWrittenByTheFrontDoor() {
        assertEquals("[{\"name\":\"A\",\"country\":\"FR\"},null]", JsonBinding.toJson(
                java.util.Arrays.asList(new Product.Supplier("A", "FR"), null)));
        assertEquals("{\"a\":[1,2.5,\"x\",true]}", JsonBinding.toJson(Map.of("a", List.of(1, 2.5, "x", true))));
    }

    @Test
    void aValueOfAnUnboundTypeFailsWithItsName() {
        record Unbound(String x) {
        }
        var e = assertThrows(JsonBindingException.class, () -> JsonBinding.toJson(Map.of("u", new Unbound("x"))));
        assertTrue(e.getMessage().contains("Unbound"), e.getMessage());
        assertTrue(e.getMessage().contains("@dev.isr4j.bind.Jsonable"), e.getMessage());
    }
}
