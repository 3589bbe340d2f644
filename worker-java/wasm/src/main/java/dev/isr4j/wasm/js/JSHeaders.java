package dev.isr4j.wasm.js;

import org.teavm.jso.JSClass;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;

/** The Fetch API Headers class. */
@JSClass(name = "Headers")
public class JSHeaders implements JSObject {
    public JSHeaders() {
    }

    public native String get(String name);

    public native void append(String name, String value);

    public native void set(String name, String value);

    /** Visits every field; workerd joins repeated fields except Set-Cookie. */
    public native void forEach(Visitor visitor);

    @JSFunctor
    public interface Visitor extends JSObject {
        void visit(String value, String name);
    }
}
