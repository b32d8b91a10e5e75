package dev.whereabouts.runner.lambda;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two class loaders of a function run from source. {@link #dependencies} loads the function's
 * jar without its own packages (those are compiled from source) and lives as long as the jar does:
 * the SDK, Jackson and the rest are loaded and JIT-compiled once, not once per save. Each build
 * from source gets a fresh {@link CompiledClassLoader} on top, so a reload replaces every class of
 * ours and all their static state, as a new Lambda execution environment would.
 */
final class CompiledClassLoader extends URLClassLoader {
  static {
    ClassLoader.registerAsParallelCapable();
  }

  private final CompiledClasses compiled;

  CompiledClassLoader(String name, CompiledClasses compiled, ClassLoader dependencies) {
    super(name, new URL[0], dependencies);
    this.compiled = compiled;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = compiled.classes().get(name);
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    return defineClass(name, bytes, 0, bytes.length);
  }

  /**
   * A function's jar as a loader of its dependencies only: classes and resources in packages that
   * were ever compiled from source are not served from it (the jar's copies are the last Maven
   * build's, possibly older than the sources).
   */
  static final class Dependencies extends URLClassLoader {
    static {
      ClassLoader.registerAsParallelCapable();
    }

    private final Set<String> hidden = ConcurrentHashMap.newKeySet();

    Dependencies(String name, Path jar) throws java.net.MalformedURLException {
      super(name, new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    void hide(Set<String> packages) {
      hidden.addAll(packages);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      int dot = name.lastIndexOf('.');
      if (hidden.contains(dot < 0 ? "" : name.substring(0, dot))) {
        throw new ClassNotFoundException(name);
      }
      return super.findClass(name);
    }

    @Override
    public URL findResource(String name) {
      return isHidden(name) ? null : super.findResource(name);
    }

    @Override
    public Enumeration<URL> findResources(String name) throws java.io.IOException {
      return isHidden(name) ? Collections.emptyEnumeration() : super.findResources(name);
    }

    private boolean isHidden(String resource) {
      int slash = resource.lastIndexOf('/');
      return slash > 0 && hidden.contains(resource.substring(0, slash).replace('/', '.'));
    }
  }
}
