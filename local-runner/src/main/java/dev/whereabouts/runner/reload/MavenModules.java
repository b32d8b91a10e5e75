package dev.whereabouts.runner.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Which sources belong to which function, read from the Maven build beside the template: the
 * function modules (the first folder of each CodeUri) and the modules of the same build they depend
 * on (shared-lib), as the parent pom.xml lists them. Only what the runner needs is read; the Maven
 * model is not interpreted (no profiles, no inheritance of dependencies).
 */
final class MavenModules {
  private MavenModules() {}

  /**
   * The modules to compile, libraries first; empty when there is no pom.xml beside the template or
   * none of the functions' modules has sources (jars someone else built).
   *
   * @param jars function module → its jar (the template's CodeUri)
   */
  static List<SourceModule> find(Path root, Map<String, Path> jars) throws IOException {
    Path parent = root.resolve("pom.xml");
    if (!Files.isRegularFile(parent)) {
      return List.of();
    }
    Element project = parse(parent);
    Map<String, String> moduleByArtifact = new LinkedHashMap<>();
    for (String module : texts(child(project, "modules"), "module")) {
      Path pom = root.resolve(module).resolve("pom.xml");
      if (Files.isRegularFile(pom)) {
        moduleByArtifact.put(text(parse(pom), "artifactId"), module);
      }
    }
    Map<String, SourceModule> found = new LinkedHashMap<>();
    for (Map.Entry<String, Path> f : jars.entrySet()) {
      add(
          root,
          f.getKey(),
          Optional.of(f.getValue()),
          moduleByArtifact,
          found,
          new LinkedHashSet<>());
    }
    return new ArrayList<>(found.values());
  }

  /** Adds the module after its libraries (depth first), if it has sources. */
  private static boolean add(
      Path root,
      String module,
      Optional<Path> jar,
      Map<String, String> moduleByArtifact,
      Map<String, SourceModule> found,
      Set<String> visiting)
      throws IOException {
    if (found.containsKey(module)) {
      return true;
    }
    Path sources = root.resolve(module).resolve("src/main/java");
    if (!Files.isDirectory(sources) || !visiting.add(module)) {
      return false; // no sources (a jar built elsewhere), or a cycle Maven would refuse anyway
    }
    List<String> libraries = new ArrayList<>();
    Element pom = parse(root.resolve(module).resolve("pom.xml"));
    for (Element dependency : elements(child(pom, "dependencies"), "dependency")) {
      String scope = text(dependency, "scope");
      String type = text(dependency, "type");
      String library = moduleByArtifact.get(text(dependency, "artifactId"));
      if (library == null
          || "test".equals(scope)
          || (type != null && !type.equals("jar"))
          || !add(root, library, Optional.empty(), moduleByArtifact, found, visiting)) {
        continue;
      }
      for (String transitive : found.get(library).libraries()) {
        if (!libraries.contains(transitive)) {
          libraries.add(transitive);
        }
      }
      libraries.add(library);
    }
    found.put(module, new SourceModule(module, sources, libraries, jar));
    return true;
  }

  private static Element parse(Path pom) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(pom.toFile());
      return doc.getDocumentElement();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(pom + ": " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> elements(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent != null) {
      NodeList nodes = parent.getChildNodes();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static List<String> texts(Element parent, String name) {
    return elements(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }
}
