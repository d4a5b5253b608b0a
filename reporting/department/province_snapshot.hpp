#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/department/pg_connection.hpp"

namespace edugate::reporting::department {

/// What a province report over a period reads, all from one snapshot of the database (a
/// read-only REPEATABLE READ transaction, open while the object lives): the current revision of
/// every report whose week overlaps the period without its cells (the `summary` stored at ingest),
/// and the cells added up by PostgreSQL, clipped to the period's days. A school year of 3,000
/// schools is 156,000 reports and some 8 million cells: neither is held in memory or parsed here.
class ProvinceSnapshot {
 public:
  ProvinceSnapshot(PgConnection& db, std::string_view from, std::string_view to);
  ~ProvinceSnapshot();
  ProvinceSnapshot(const ProvinceSnapshot&) = delete;
  ProvinceSnapshot& operator=(const ProvinceSnapshot&) = delete;

  struct Summary {
    long long id = 0;
    std::string school_id, iso_week;
    std::string json;  ///< the document with "cells": [] (the whole document for reports
                       ///< stored before summaries were kept)
  };
  /// The next few hundred reports, ordered by school, node and week; false when none are left.
  bool next(std::vector<Summary>& batch);

  /// Published cells summed over the reports read (all but `left_out`, by id), on days of the
  /// period: requests of the cells a school published, and how many cells schools withheld.
  struct CellSum {
    std::string day, action, category, group;
    std::uint64_t requests = 0;
    std::uint32_t suppressed = 0;
  };
  /// By (day, action, category, group), in that order (bytewise), "*" totals included.
  std::vector<CellSum> cells(const std::vector<long long>& left_out);

  struct KeySum {
    std::string key, action, category;
    std::uint64_t requests = 0, suppressed = 0;
  };
  /// Cells of a real action, category and group summed by `by` ("district", "level": the
  /// group's age band, "?" when unknown; or "school"), action and category, in that order.
  std::vector<KeySum> by_key(std::string_view by, const std::vector<long long>& left_out);

 private:
  PgConnection& db_;
  PgTransaction tx_;
  std::string from_, to_;
  bool cursor_open_ = false, cursor_done_ = false;
};

}  // namespace edugate::reporting::department
