package io.syntrix.identity;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** 400 "Validation failed" with the original's per-field list: {@code errors: [{field, message}]}. */
public final class ValidationFailed extends SyntrixException {
  private final List<Map.Entry<String, String>> errors;

  public ValidationFailed(List<Map.Entry<String, String>> errors) {
    super(ErrorCode.BAD_REQUEST, "Validation failed");
    this.errors = List.copyOf(errors);
  }

  @Override
  public Value details() {
    List<Value> out = new ArrayList<>();
    for (Map.Entry<String, String> e : errors) {
      out.add(MapValue.builder().put("field", new StringValue(e.getKey())).put("message", new StringValue(e.getValue()))
          .build());
    }
    return new ArrayValue(out);
  }
}
