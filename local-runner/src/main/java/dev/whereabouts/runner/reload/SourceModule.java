package dev.whereabouts.runner.reload;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Maven module whose sources the runner compiles under {@code --watch}.
 *
 * @param name the module's folder, relative to the template's folder (e.g. {@code profile-service})
 * @param sources its {@code src/main/java}
 * @param libraries the modules of the same build it depends on, each before its users
 * @param jar the function jar its template CodeUri names (empty for a library such as shared-lib)
 */
public record SourceModule(String name, Path sources, List<String> libraries, Optional<Path> jar) {
  public SourceModule {
    libraries = List.copyOf(libraries);
  }
}
