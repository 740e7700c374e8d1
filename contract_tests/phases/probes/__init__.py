"""The suite's own probes: requests Schemathesis would not send, each judged by the check named for it; one module
per family of probes (`plan.build_probes` lists them), `runner.ProbeRunner` sends them.

Every probe that names resources is sent to every operation of the spec whose path takes those IDs (a listing
takes the project and instance, the progress and the deletion all three): read operations with the tasks the
credentials may read, state-changing ones (`spec.api.changes_state`) only with the tasks the target offers to
them (`Target.changeable`), so no probe can change anything else even on a broken server.

- `cross_tenant_access_denied`: IDs mixed across tenants (my project with their instance and task, my
  instance with their task, their project with my instance and task, …) signed by me, their task (or
  instance), and my tasks (or instances) signed by the other tenant's credentials — which also try the
  state-changing operations on the tasks offered to them → 403 or 404 with the error body, never 2xx.
- `task_under_other_instance_denied`: a known task named under another known instance of its project, signed,
  on every operation taking a task → 403 or 404 with the error body, never 2xx (RESTler's ResourceHierarchy).
- `auth_before_lookup`: unsigned and badly signed requests for unknown, foreign and readable
  resources → 401 with the error body (authentication comes before any lookup).
- `tampered_signature_rejected`: on every operation, one task with the signature altered, shortened, lengthened
  or upper-cased, a wrong secret key, or `X-Sdk-Date` 30 minutes old or ahead → 401 with the error body.
- `signature_binds_request`: a request sent with one part other than its signature covers (the method, each path
  segment, a query parameter added, removed or changed, each signed header) → 401 with the error body.
- `header_names_case_insensitive`: over HTTP, a correctly signed request whose header names are in another case
  → never 401.
- `security_token_enforced`: temporary credentials with `X-Security-Token` dropped, or altered and
  validly signed → 401 with the error body.
- `undeclared_method_rejected`: POST/PUT/PATCH/DELETE where the path does not declare them (read-only
  paths only, unless state-changing requests are allowed), signed, on an existing task → 405 with `Allow`,
  or the gateway's 404 `APIG.0101`, as `Target.method_rejection` says; error body and `X-Request-Id`.
- `malformed_id_rejected`: each path ID of each operation replaced by one of the right length that is not
  hexadecimal, signed, and each ID once with characters the canonical URI must percent-encode → exactly 400 with
  the error body (the documented answer to a malformed ID).
- `overlong_id_rejected`: each path ID 37, 64 and 256 characters long → 400, 403 or 404 with the error body,
  never 2xx, 401 or 5xx.
- `signed_request_accepted`: correctly signed requests whose query needs canonical encoding (reserved and
  non-ASCII characters, repeated and unsorted names, empty values) for readable tasks → never 401.
- `unsigned_path_variant_refused`, `signed_path_variant_contained` (`routing.py`): each read operation's path with a
  trailing slash, dot segments, a doubled slash, an encoded unreserved character, and climbing into the foreign
  task (`..`, `%2E%2e`, `%2F`) → unsigned never 2xx; signed never another tenant's data, never 5xx.
- `head_answers_like_get`, `options_answered`, `trace_not_echoed`, `accept_negotiated`,
  `query_parameters_tolerated` (`semantics.py`): RFC 9110's methods, negotiation and query parameters.
- `integer_bounds_respected`, `date_time_edges_handled` (`bounds.py`): each query parameter at and past the edges of
  its schema, read from the spec.
- `credentials_not_locked`: a correctly signed request after two failing signatures with one AK → not 401.
- `request_id_unique`: every probe's answer carries an `X-Request-Id` no other answer of the run had.

Probes that may fail authentication with a configured AK (failing signatures, and the canonical-encoding
requests a server that canonicalises differently refuses) never come more than two in a row for that AK: a
correctly signed request goes between them, so the gateway's lockout (more than five failures in a row lock
the AK/SK for 5 minutes) is never approached. `AUTH_PROBES=0` leaves the failing signatures out.
"""
