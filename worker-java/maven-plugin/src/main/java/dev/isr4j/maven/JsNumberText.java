package dev.isr4j.maven;

import org.teavm.model.BasicBlock;
import org.teavm.model.ClassHolder;
import org.teavm.model.ClassHolderTransformer;
import org.teavm.model.ClassHolderTransformerContext;
import org.teavm.model.MethodDescriptor;
import org.teavm.model.MethodHolder;
import org.teavm.model.MethodReference;
import org.teavm.model.Program;
import org.teavm.model.ValueType;
import org.teavm.model.Variable;
import org.teavm.model.instructions.ExitInstruction;
import org.teavm.model.instructions.InvocationType;
import org.teavm.model.instructions.InvokeInstruction;

/**
 * Size: TeaVM's classlib writes and reads doubles with its own decimal conversion, whose tables and code are
 * about 7% of a gzipped module. The host already has that conversion (JS numbers), so this transformer makes
 * {@code Double.parseDouble} and the {@code StringBuilder} double writer (behind {@code Double.toString},
 * {@code "" + d} and {@code append(double)}) call {@code dev.isr4j.wasm.js.JsNumbers}, which uses JS for the digits
 * and keeps Java's text format. Loaded by TeaVM by name ({@code setTransformers}).
 */
public final class JsNumberText implements ClassHolderTransformer {
    static final String NUMBERS = "dev.isr4j.wasm.js.JsNumbers";
    private static final ValueType STRING = ValueType.object("java.lang.String");

    @Override
    public void transformClass(ClassHolder cls, ClassHolderTransformerContext context) {
        switch (cls.getName()) {
            case "java.lang.Double" -> {
                MethodHolder parse = cls.getMethod(new MethodDescriptor("parseDouble", STRING, ValueType.DOUBLE));
                if (parse != null) {
                    // static double parseDouble(String s) { return JsNumbers.parse(s); }
                    var program = new Program();
                    program.createVariable();
                    Variable text = program.createVariable();
                    Variable result = program.createVariable();
                    BasicBlock block = program.createBasicBlock();
                    block.add(call(new MethodReference(NUMBERS, "parse", STRING, ValueType.DOUBLE), null, result,
                            text));
                    block.add(exit(result));
                    parse.setProgram(program);
                }
            }
            case "java.lang.AbstractStringBuilder" -> {
                ValueType self = ValueType.object(cls.getName());
                MethodHolder insert = cls.getMethod(new MethodDescriptor("insert", ValueType.INTEGER,
                        ValueType.DOUBLE, self));
                if (insert != null) {
                    // insert(int index, double d) { return insert(index, JsNumbers.format(d)); }
                    var program = new Program();
                    Variable thisVar = program.createVariable();
                    Variable index = program.createVariable();
                    Variable value = program.createVariable();
                    Variable text = program.createVariable();
                    Variable result = program.createVariable();
                    BasicBlock block = program.createBasicBlock();
                    block.add(call(new MethodReference(NUMBERS, "format", ValueType.DOUBLE, STRING), null, text,
                            value));
                    block.add(call(new MethodReference(cls.getName(), "insert", ValueType.INTEGER, STRING, self),
                            thisVar, result, index, text));
                    block.add(exit(result));
                    insert.setProgram(program);
                }
            }
            default -> { }
        }
    }

    private static InvokeInstruction call(MethodReference method, Variable instance, Variable receiver,
                                          Variable... arguments) {
        var invoke = new InvokeInstruction();
        invoke.setType(InvocationType.SPECIAL);
        invoke.setMethod(method);
        invoke.setInstance(instance);
        invoke.setArguments(arguments);
        invoke.setReceiver(receiver);
        return invoke;
    }

    private static ExitInstruction exit(Variable value) {
        var exit = new ExitInstruction();
        exit.setValueToReturn(value);
        return exit;
    }
}
