package dev.isr4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Modifier;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** isr4j-maven-plugin finds the prerenderer through META-INF/isr4j/core.properties, never by a class name of its own. */
class BuildDescriptorTest {
    @Test
    void descriptorNamesAPublicStaticMainThatTakesTheOutputFile() throws Exception {
        var properties = new Properties();
        try (var in = getClass().getClassLoader().getResourceAsStream("META-INF/isr4j/core.properties")) {
            assertNotNull(in, "META-INF/isr4j/core.properties is missing from isr4j-core");
            properties.load(in);
        }
        var main = Class.forName(properties.getProperty("prerenderer")).getMethod("main", String[].class);
        assertEquals(Modifier.PUBLIC | Modifier.STATIC, main.getModifiers() & (Modifier.PUBLIC | Modifier.STATIC));
    }
}
