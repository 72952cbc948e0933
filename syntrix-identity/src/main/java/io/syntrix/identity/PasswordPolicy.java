package io.syntrix.identity;

import java.util.ArrayList;
import java.util.List;

/**
 * What a new password must have (defaults as the original: at least 12 characters with upper
 * and lower case, a digit and a character that is neither letter nor digit).
 */
public record PasswordPolicy(int minLength, boolean upper, boolean lower, boolean digit, boolean special) {
  public static PasswordPolicy standard() {
    return new PasswordPolicy(12, true, true, true, true);
  }

  /** What is missing; empty when the password is acceptable. */
  public List<String> problems(String password) {
    List<String> out = new ArrayList<>();
    if (password.codePointCount(0, password.length()) < minLength) {
      out.add("Must be at least " + minLength + " characters");
    }
    if (upper && password.codePoints().noneMatch(Character::isUpperCase)) {
      out.add("Must contain an upper-case letter");
    }
    if (lower && password.codePoints().noneMatch(Character::isLowerCase)) {
      out.add("Must contain a lower-case letter");
    }
    if (digit && password.codePoints().noneMatch(Character::isDigit)) {
      out.add("Must contain a digit");
    }
    if (special && password.codePoints().allMatch(Character::isLetterOrDigit)) {
      out.add("Must contain a character that is not a letter or digit");
    }
    return out;
  }
}
