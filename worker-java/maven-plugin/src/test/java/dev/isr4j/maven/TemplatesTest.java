package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gg.jte.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatesTest {
    @TempDir
    Path dir;

    @Test
    void templateNamesBecomeMethodNames() {
        assertEquals("product", TemplatesFacade.methodName("product.jte"));
        assertEquals("pagesProductCard", TemplatesFacade.methodName("pages/product-card.jte"));
        assertEquals("template404", TemplatesFacade.methodName("404.jte"));
        assertEquals("newTemplate", TemplatesFacade.methodName("new.jte"));
    }

    @Test
    void theFacadeHasAMethodPerTemplateTakingItsParameters() throws Exception {
        Path src = Files.createDirectories(dir.resolve("jte/pages"));
        Files.writeString(src.resolve("item.jte"), "@import java.util.List\n@param String title\n@param List<String> tags\n"
                + "<h1>${title}</h1>@for(var t : tags)<i>${t}</i>@endfor\n");
        Path out = dir.resolve("gen");
        Files.createDirectories(out.resolve("stale"));
        Files.writeString(out.resolve("stale/Old.java"), "class Old {}");
        var names = TemplatesMojo.generate(dir.resolve("jte"), out, "site.templates");
        assertEquals(1, names.size(), names.toString());
        String facade = Files.readString(out.resolve("site/templates/Templates.java"));
        assertTrue(facade.contains("import java.util.List;"), facade);
        assertTrue(facade.contains("public static String pagesItem(String title, List<String> tags)"), facade);
        assertFalse(Files.exists(out.resolve("stale/Old.java")), "a removed template's output is gone");
    }

    @Test
    void aTemplateJteCannotParseNamesItsFileAndLine() throws Exception {
        Path src = Files.createDirectories(dir.resolve("jte"));
        Files.writeString(src.resolve("broken.jte"), "@param String x\n<p>${x}\n<div></p>\n");
        var e = assertThrows(TemplateException.class,
                () -> TemplatesMojo.generate(src, dir.resolve("gen"), "templates"));
        assertTrue(e.getMessage().contains("broken.jte, error at line"), e.getMessage());
    }
}
