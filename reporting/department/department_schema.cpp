#include "reporting/department/department_schema.hpp"

#include <array>

namespace edugate::reporting::department {

namespace {

// 1: the registry, the reports as received (the signed bytes: a report can always be
// re-verified and re-read), and their cells for province tables. A report is identified by the
// SHA-256 of its bytes; `current` marks the latest revision of a school's node's week.
constexpr std::string_view kMigration1 = R"SQL(
CREATE TABLE schools (
  school_id       text PRIMARY KEY,
  name            text NOT NULL,
  district        text NOT NULL,
  levels          text[] NOT NULL,
  public_key      text NOT NULL,
  pull_url        text NOT NULL DEFAULT '',
  pull_token_file text NOT NULL DEFAULT '',
  in_registry     boolean NOT NULL DEFAULT true,
  registered_at   timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE reports (
  id             bigserial PRIMARY KEY,
  school_id      text NOT NULL REFERENCES schools (school_id),
  node           text NOT NULL,
  iso_week       text NOT NULL,
  period_from    date NOT NULL,
  period_to      date NOT NULL,
  revision       integer NOT NULL,
  current        boolean NOT NULL,
  sha256         text NOT NULL UNIQUE,
  content_sha256 text NOT NULL UNIQUE,
  schema_version integer NOT NULL,
  generator      text NOT NULL,
  bundles        jsonb NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  document       text NOT NULL
);
CREATE UNIQUE INDEX reports_current_key ON reports (school_id, node, iso_week) WHERE current;
CREATE INDEX reports_week ON reports (iso_week, school_id);
CREATE TABLE report_cells (
  report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  day       date NOT NULL,
  action    text NOT NULL,
  category  text NOT NULL,
  grp       text NOT NULL,
  age       text NOT NULL,
  requests  bigint
);
CREATE INDEX report_cells_report ON report_cells (report_id);
)SQL";

// 2: what the dashboard reads, so that a page over a year of 3,000 schools adds up thousands
// of rows, not millions: per week, the current reports' published cells summed by district, age
// band, action and category (week_rollup, rebuilt by refresh_week_rollups for each week whose
// set of current reports changed, which week_rollup_state fingerprints), and the bilingual
// labels each school's reports give the categories (a page shows the label most schools use:
// one school cannot rename a category for the province), and the key each report's signature
// was verified with when it arrived (a school's later key does not unmake its earlier weeks),
// and each report without its cells (`summary`: a year of them is read quickly; the cells are
// rows already).
constexpr std::string_view kMigration2 = R"SQL(
CREATE TABLE category_labels (
  category  text NOT NULL,
  school_id text NOT NULL REFERENCES schools (school_id),
  vi        text NOT NULL,
  en        text NOT NULL,
  PRIMARY KEY (category, school_id)
);
CREATE TABLE week_rollup (
  iso_week         text NOT NULL,
  district         text NOT NULL,
  age              text NOT NULL,
  action           text NOT NULL,
  category         text NOT NULL,
  requests         bigint NOT NULL,
  suppressed_cells bigint NOT NULL
);
CREATE INDEX week_rollup_week ON week_rollup (iso_week);
CREATE TABLE week_rollup_state (
  iso_week     text PRIMARY KEY,
  reports      bigint NOT NULL,
  id_sum       numeric NOT NULL,
  schools      integer NOT NULL,
  registry_at  timestamptz,
  refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_current_week ON reports (iso_week) INCLUDE (id, school_id) WHERE current;
ALTER TABLE reports ADD COLUMN verified_with text NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN summary text NOT NULL DEFAULT '';
)SQL";

constexpr std::array<std::string_view, 2> kMigrations = {kMigration1, kMigration2};

}  // namespace

std::span<const std::string_view> department_migrations() { return kMigrations; }

}  // namespace edugate::reporting::department
