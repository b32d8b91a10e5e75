package dev.whereabouts.runner.template;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** SnakeYAML with CloudFormation's short-form tags ({@code !Ref}, {@code !Sub}, …). */
public final class CloudFormationYaml extends SafeConstructor {
  public CloudFormationYaml() {
    super(new LoaderOptions());
    for (String fn :
        List.of(
            "Ref",
            "Condition",
            "Sub",
            "GetAtt",
            "If",
            "Equals",
            "Not",
            "And",
            "Or",
            "Select",
            "Join",
            "Split",
            "FindInMap",
            "ImportValue",
            "Base64",
            "Cidr",
            "GetAZs",
            "Transform",
            "ToJsonString",
            "Length")) {
      String longName = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
      yamlConstructors.put(
          new Tag("!" + fn),
          new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
              Object value;
              if (node instanceof ScalarNode s) {
                value = constructScalar(s);
                if (fn.equals("GetAtt")) {
                  value = List.of(String.valueOf(value).split("\\.", 2));
                }
              } else if (node instanceof SequenceNode s) {
                value = constructSequence(s);
              } else {
                value = constructMapping((MappingNode) node);
              }
              return Map.of(longName, value);
            }
          });
    }
  }
}
