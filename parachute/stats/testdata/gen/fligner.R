#!/usr/bin/env Rscript
# Reference values for package parachute/stats: the Fligner-Killeen test of
# equal dispersion, fligner.test(x, g) (median-centred, R's only variant).
#
# Run from parachute/stats/testdata:   Rscript gen/fligner.R
# Needs Debian r-base-core r-cran-jsonlite. go test never runs this script.
# The groups are drawn here from set.seed(20261206) (plus a few written by
# hand: ties, a group of one, InsectSprays from R's datasets package) and
# stored with 17 significant digits.
suppressPackageStartupMessages(library(jsonlite))
set.seed(20261206)
num <- function(v) structure(sprintf("%.17g", v), class = "json")
vec <- function(v) structure(paste0("[", paste(sprintf("%.17g", v), collapse = ","), "]"), class = "json")

case <- function(name, groups) {
  x <- unlist(groups)
  g <- factor(rep(seq_along(groups), lengths(groups)))
  f <- fligner.test(x, g)
  list(name = name, groups = unname(lapply(groups, vec)), statistic = num(unname(f$statistic)),
       df = unname(f$parameter), p = num(f$p.value))
}

cases <- list(
  case("two groups, equal spread", list(round(rnorm(20), 4), round(rnorm(25), 4))),
  case("two groups, one three times wider", list(round(rnorm(30, 0, 1), 4), round(rnorm(30, 0, 3), 4))),
  case("three groups, shifted means", list(round(rnorm(12, 5), 3), round(rnorm(15, 0, 2), 3), round(rnorm(9, -3), 3))),
  case("ties", list(c(1, 2, 2, 3, 3, 3, 4), c(1, 1, 5, 5, 9, 9), c(2, 2, 2, 2, 3))),
  case("a group of one", list(c(0.3), round(runif(10), 4), round(runif(8, 0, 2), 4))),
  case("radiomic-like, skewed", list(round(rlnorm(40, 0, 0.5), 5), round(rlnorm(35, 0.05, 0.8), 5))),
  case("InsectSprays (R datasets)", split(InsectSprays$count, InsectSprays$spray)))

x <- list(
  header = list(tool = "R stats", tool_version = list(R = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
                call = list(fligner = "fligner.test(x, g)"),
                dataset = list(name = "generated; InsectSprays", source = "set.seed(20261206) in this script; InsectSprays from R's datasets package (Beall 1942); values in this file"),
                convention_notes = "groups in order; statistic is the median-centred Fligner-Killeen chi-squared",
                generator = "parachute/stats/testdata/gen/fligner.R", date = format(Sys.Date())),
  cases = cases)
writeLines(toJSON(x, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "reference/fligner.json")
