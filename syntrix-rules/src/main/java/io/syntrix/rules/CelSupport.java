package io.syntrix.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CEL environment of a rule condition, and compilation into programs.
 *
 * <p>Declared: {@code request} (map of string to dyn), {@code resource} (dyn: a map or null),
 * one string variable per path variable in scope, and the functions {@code get(string) -> dyn}
 * and {@code exists(string) -> bool}. The result must type-check as bool. Standard macros
 * ({@code has}, {@code all}, {@code exists}, {@code exists_one}, {@code map}, {@code filter})
 * are on; ints and doubles compare with each other, since JSON does not tell them apart;
 * comprehensions stop after 10,000 iterations.
 *
 * <p>{@code get}/{@code exists} are declared here but bound per evaluation (see
 * {@link Evaluation}), because they read the database of the request being evaluated. The
 * runtime is shared by every rule set; programs are immutable and thread-safe.
 */
final class CelSupport {
  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .comprehensionMaxIterations(10_000)
      // Rules never see protobuf messages, so adapting every call's result to a well-known
      // proto type is a type lookup per call for nothing (about a tenth of evaluation time).
      .unwrapWellKnownTypesOnFunctionDispatch(false)
      .build();

  private static final CelCompiler BASE = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("resource", SimpleType.DYN)
      .addFunctionDeclarations(
          CelFunctionDecl.newFunctionDeclaration("get",
              CelOverloadDecl.newGlobalOverload(Evaluation.GET_OVERLOAD, SimpleType.DYN, SimpleType.STRING)),
          CelFunctionDecl.newFunctionDeclaration("exists",
              CelOverloadDecl.newGlobalOverload(Evaluation.EXISTS_OVERLOAD, SimpleType.BOOL, SimpleType.STRING)))
      .setResultType(SimpleType.BOOL)
      .build();

  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
      .setOptions(OPTIONS)
      .build();

  /** One compiler per set of path variables in scope; lives as long as one parse. */
  private final Map<List<String>, CelCompiler> compilers = new HashMap<>();

  /**
   * Compiles {@code expression} with {@code pathVariables} declared as strings. A syntax or type
   * error throws the rule set's load error, naming {@code where}.
   */
  CelRuntime.Program compile(String expression, List<String> pathVariables, String where) {
    CelCompiler compiler = compilers.computeIfAbsent(List.copyOf(pathVariables), CelSupport::compilerWith);
    CelValidationResult result = compiler.compile(expression);
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      return RUNTIME.createProgram(ast);
    } catch (CelValidationException e) {
      throw RuleSet.invalid(where + " does not compile: " + result.getErrorString());
    } catch (CelEvaluationException e) {
      throw RuleSet.invalid(where + " cannot be prepared: " + e.getMessage());
    }
  }

  private static CelCompiler compilerWith(List<String> pathVariables) {
    if (pathVariables.isEmpty()) {
      return BASE;
    }
    var builder = BASE.toCompilerBuilder();
    for (String name : pathVariables) {
      builder.addVar(name, SimpleType.STRING);
    }
    return builder.build();
  }
}
