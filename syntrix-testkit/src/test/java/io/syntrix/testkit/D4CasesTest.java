package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.FilterOp;
import io.syntrix.model.IntegerValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The loader itself: a typo in the table must fail loudly with its line, never drop a case. */
class D4CasesTest {
  @Test
  void parsesRowsCommentsAndBlankLines() throws Exception {
    D4Cases.Table t = D4Cases.parse(new StringReader("""
        # a comment

        true  | a.b | == | 1 | {"a": {"b": 1}}
          false | tags | contains | "x" | {"tags": []}
        reject | a | eq | 1 | -
        """));
    assertThat(t.cases()).hasSize(2);
    assertThat(t.cases().get(0).line()).isEqualTo(3);
    assertThat(t.cases().get(0).expected()).isTrue();
    assertThat(t.cases().get(0).filter().field()).isEqualTo("a.b");
    assertThat(t.cases().get(1).line()).isEqualTo(4);
    assertThat(t.cases().get(1).expected()).isFalse();
    assertThat(t.cases().get(1).filter().op()).isEqualTo(FilterOp.ARRAY_CONTAINS);
    assertThat(t.rejections()).hasSize(1);
    assertThat(t.rejections().get(0).line()).isEqualTo(5);
    assertThat(t.rejections().get(0).op()).isEqualTo("eq");
    assertThat(t.rejections().get(0).value()).isEqualTo(IntegerValue.of(1));
  }

  @Test
  void wrongColumnCountNamesTheLine() {
    assertThatThrownBy(() -> D4Cases.parse(new StringReader("\ntrue | a | == | 1\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void badExpectedColumnIsRefused() {
    assertThatThrownBy(() -> D4Cases.parse(new StringReader("yes | a | == | 1 | {}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void badJsonIsRefused() {
    assertThatThrownBy(() -> D4Cases.parse(new StringReader("true | a | == | 1 | {\"a\": }")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> D4Cases.parse(new StringReader("true | a | == | 1 | [1]")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("object");
  }

  @Test
  void unknownOperatorOnAMatchRowIsRefused() {
    assertThatThrownBy(() -> D4Cases.parse(new StringReader("true | a | eq | 1 | {}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void rejectRowNeedsDashDocument() {
    assertThatThrownBy(() -> D4Cases.parse(new StringReader("reject | a | eq | 1 | {}")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void caseNamesItsLine() {
    D4Case first = D4Cases.cases().get(0);
    assertThat(first.toString()).startsWith("line " + first.line() + ": ");
  }
}
