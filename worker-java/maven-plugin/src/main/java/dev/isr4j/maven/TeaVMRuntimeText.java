package dev.isr4j.maven;

/**
 * TeaVM's JS runtime for a Wasm GC module, as the worker ships it. One change from TeaVM's text: the helper
 * functions the runtime makes for every arity up to 31 ({@code createFunctionN}, {@code callFunctionN},
 * {@code callMethodN}, {@code constructN}, {@code arrayOfN}, {@code bindFunctionN}; some 160 {@code new Function}
 * compilations, about 2.5 ms of every isolate's start) are made when the module's instantiation first asks for
 * one, per arity. A module imports a few dozen of them, so the rest are never compiled. What each helper does
 * is unchanged: the runtime's own code makes it, with the same arguments.
 */
final class TeaVMRuntimeText {
    /** The eager loop in TeaVM 0.15.0's wasm-gc-module-runtime.min.js. */
    static final String LOOP_START = "const C=[];for(let e=0;e<32;++e){";
    static final String LOOP_END = "C.push(\"p\"+(e+1))}";
    static final String MARKER = "/* isr4j: helpers made on first use */";

    private TeaVMRuntimeText() {
    }

    /**
     * The runtime with its helpers made on first use; null when the text does not hold TeaVM 0.15.0's loop
     * (the runtime is then shipped as TeaVM wrote it).
     */
    static String withLazyHelpers(String runtime) {
        int start = runtime.indexOf(LOOP_START);
        int end = start < 0 ? -1 : runtime.indexOf(LOOP_END, start);
        if (start < 0 || end < 0 || runtime.indexOf(LOOP_START, start + 1) >= 0) {
            return null;
        }
        String body = runtime.substring(start + LOOP_START.length(), end);
        String lazy = MARKER + "const C=[];for(let e=0;e<32;++e){const P=[...C];"
                + "const N=[\"createFunction\",\"bindFunction\",\"callFunction\",\"callMethod\",\"construct\",\"arrayOf\"];"
                + "let M=false;const R=()=>{if(M)return;M=true;for(const n of N)delete t.teavmJso[n+e];"
                + "((e,C)=>{" + body + "})(e,P)};"
                + "for(const n of N)Object.defineProperty(t.teavmJso,n+e,{configurable:true,enumerable:true,"
                + "get(){R();return t.teavmJso[n+e]}});"
                + LOOP_END;
        return runtime.substring(0, start) + lazy + runtime.substring(end + LOOP_END.length());
    }
}
