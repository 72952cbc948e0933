package io.syntrix.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;

/**
 * One {@code match} block: its pattern, its compiled {@code allow} conditions per action, and
 * its nested blocks in matching order ({@link PathPattern#ORDER}). Immutable once loaded.
 */
final class MatchBlock {
  /** A compiled condition; {@code allowed} is the decision it produces, built at load. */
  record Condition(String label, CelRuntime.Program program, Decision allowed) {}

  final PathPattern pattern;
  /** The pattern with every ancestor's in front, for reasons. */
  final String fullPattern;
  final List<MatchBlock> children;
  /** Indexed by {@link Action#ordinal()}; an empty array when the block does not allow the action. */
  private final Condition[][] allow;
  /** The decision when every condition of an action was false, by action. */
  private final Decision[] allFalse;

  MatchBlock(PathPattern pattern, String fullPattern, List<MatchBlock> children, Condition[][] allow) {
    this.pattern = pattern;
    this.fullPattern = fullPattern;
    this.children = List.copyOf(children);
    this.allow = allow;
    this.allFalse = new Decision[Action.values().length];
    for (Action a : Action.values()) {
      allFalse[a.ordinal()] = Decision.deny(allow[a.ordinal()].length == 0
          ? "match " + fullPattern + " does not allow '" + a.wireName() + "'"
          : "match " + fullPattern + ": no condition for '" + a.wireName() + "' is true");
    }
  }

  /**
   * Evaluates the conditions for the request's action, OR-ed in order: the first true one
   * allows. A condition that fails to evaluate or yields a non-bool counts as false, and its
   * error goes into the reason.
   */
  Decision decide(Evaluation ev) {
    Action action = ev.request.action();
    Condition[] conditions = allow[action.ordinal()];
    StringBuilder errors = null;
    for (Condition c : conditions) {
      String error;
      try {
        Object result = c.program().eval(ev, ev);
        if (result instanceof Boolean b) {
          if (b) {
            return c.allowed();
          }
          continue;
        }
        error = result instanceof dev.cel.runtime.CelUnknownSet
            ? "reads a variable that is not bound here (a list rule cannot read the document id)"
            : "returned " + result.getClass().getSimpleName() + ", not a bool";
      } catch (CelEvaluationException e) {
        error = e.getMessage();
      } catch (RuntimeException e) {
        error = e.toString();
      }
      errors = (errors == null ? new StringBuilder() : errors.append("; ")).append(c.label()).append(": ").append(error);
    }
    Decision denied = allFalse[action.ordinal()];
    return errors == null ? denied : Decision.deny(denied.reason() + " (" + errors + ")");
  }
}
