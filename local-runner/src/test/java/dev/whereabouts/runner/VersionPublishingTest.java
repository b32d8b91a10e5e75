package dev.whereabouts.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which pushes publish new Lambda versions. Lambda refuses to publish a version of unchanged code
 * and configuration, so a push that gives an unchanged function a new version logical id fails the
 * stack update; and a change that keeps the id leaves "live" on the old version. deploy/rehearse.py
 * expands the template for two commits with identical jars, with one jar changed, and with each
 * parameter a function's configuration uses changed, naming the packages as buildspec.yml's package
 * command would and giving the revisions the build computes (deploy/revisions.py).
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

  @Test
  void aParameterThatAFunctionsConfigurationUsesReachesItsPublishedVersion() throws Exception {
    Map<String, Object> versions = Rehearsal.json(Rehearsal.output().resolve("versions.json"));
    Map<String, Object> base = Rehearsal.map(versions.get("base"));
    Map<String, Object> dependsOn = Rehearsal.map(versions.get("dependsOn"));
    Map<String, Object> parameters = Rehearsal.map(versions.get("parameters"));
    assertTrue(
        parameters.keySet().containsAll(Set.of("CorsAllowOrigin", "EnableSnapStart")),
        "the parameters the functions' configuration uses: " + dependsOn);
    parameters.forEach(
        (name, change) -> {
          Map<String, Object> changed = Rehearsal.map(Rehearsal.map(change).get("versions"));
          base.forEach(
              (function, id) -> {
                boolean uses = ((List<?>) dependsOn.get(function)).contains(name);
                assertEquals(
                    uses,
                    !id.equals(changed.get(function)),
                    name
                        + " "
                        + Rehearsal.map(change).get("from")
                        + " -> "
                        + Rehearsal.map(change).get("to")
                        + ": "
                        + function
                        + (uses ? " must publish a new version" : " must keep its version"));
              });
        });
  }

  @Test
  void theBuildComputesRevisionsFromTheOverridesEachStageIsDeployedWith() throws Exception {
    Map<String, Object> pipeline = Rehearsal.yaml("pipeline.yaml");
    String given = null;
    for (Object v :
        (List<?>)
            Rehearsal.map(Rehearsal.props(pipeline, "BuildProject").get("Environment"))
                .get("EnvironmentVariables")) {
      if ("STAGE_PARAMETERS".equals(Rehearsal.map(v).get("Name"))) {
        given = String.valueOf(Rehearsal.map(Rehearsal.map(v).get("Value")).get("Fn::Sub"));
      }
    }
    assertTrue(given != null, "BuildProject passes STAGE_PARAMETERS to deploy/revisions.py");
    Map<String, Object> stages = Rehearsal.map(new ObjectMapper().readValue(given, Map.class));
    int seen = 0;
    for (Object s : (List<?>) Rehearsal.props(pipeline, "Pipeline").get("Stages")) {
      for (Object a : (List<?>) Rehearsal.map(s).get("Actions")) {
        Map<String, Object> action = Rehearsal.map(a);
        Map<String, Object> config = Rehearsal.map(action.getOrDefault("Configuration", Map.of()));
        if (!"CHANGE_SET_REPLACE".equals(config.get("ActionMode"))) {
          continue;
        }
        String stage = String.valueOf(Rehearsal.map(s).get("Name")).toLowerCase(Locale.ROOT);
        String overrides =
            String.valueOf(Rehearsal.map(config.get("ParameterOverrides")).get("Fn::Sub"));
        assertEquals(
            new ObjectMapper().readValue(overrides, Map.class),
            stages.get(stage),
            stage + ": STAGE_PARAMETERS and the change set's ParameterOverrides");
        assertEquals(
            "BuildOutput::" + stage + ".configuration.json",
            config.get("TemplateConfiguration"),
            stage + "'s change set reads the revisions the build wrote");
        seen++;
      }
    }
    assertEquals(2, seen);
  }
}
