package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which pushes publish new Lambda versions. Lambda refuses to publish a version of unchanged code
 * and configuration, so a push that gives an unchanged function a new version logical id fails the
 * stack update. deploy/rehearse.py expands the template for two commits with identical jars and
 * with one jar changed, naming the packages as buildspec.yml's package command would.
 */
class VersionPublishingTest {

  @Test
  void anotherCommitWithIdenticalJarsKeepsEveryVersion() throws Exception {
    Map<String, Object> versions = Rehearsal.json(Rehearsal.output().resolve("versions.json"));
    assertEquals(4, Rehearsal.map(versions.get("base")).size(), "four functions: " + versions);
    assertEquals(
        versions.get("base"),
        versions.get("otherCommit"),
        "a push without code changes must publish no new versions (buildspec.yml's package prefix"
            + " must not name the commit)");
  }

  @Test
  void oneChangedJarChangesOnlyItsFunctionsVersion() throws Exception {
    Map<String, Object> versions = Rehearsal.json(Rehearsal.output().resolve("versions.json"));
    Map<String, Object> base = Rehearsal.map(versions.get("base"));
    Map<String, Object> changed = Rehearsal.map(versions.get("otherCommitOneJarChanged"));
    assertEquals(base.keySet(), changed.keySet());
    Set<String> republished = new TreeSet<>();
    base.forEach(
        (function, id) -> {
          if (!id.equals(changed.get(function))) {
            republished.add(function);
          }
        });
    assertEquals(
        Set.of("LocationFunction"),
        republished,
        "only the function of the changed jar (" + versions.get("changedJar") + ")");
    assertNotEquals(base.get("LocationFunction"), changed.get("LocationFunction"));
  }
}
