package dev.whereabouts.shared.http;

import dev.whereabouts.shared.problem.Problem;

/** One route's code: a request in, a response out, or a {@link Problem} thrown. */
@FunctionalInterface
public interface Route {
  /** Handles one request. */
  Response handle(Request request);
}
