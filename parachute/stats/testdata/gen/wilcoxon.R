#!/usr/bin/env Rscript
# Reference values for package parachute/stats: the Wilcoxon signed-rank test
# (wilcox.test(x, y, paired = TRUE), two-sided, R's defaults: exact for
# n < 50 non-zero differences without ties or zeros, else the normal
# approximation with tie and continuity corrections; zeros dropped).
#
# Run from parachute/stats/testdata:   Rscript gen/wilcoxon.R
# Needs Debian r-base-core r-cran-jsonlite. go test never runs this script.
# The cases are generated here from a fixed seed (set.seed(20261201)) and
# written into the JSON with 17 significant digits.
suppressPackageStartupMessages(library(jsonlite))
set.seed(20261201)
num <- function(v) structure(sprintf("%.17g", v), class = "json")
vec <- function(v) structure(paste0("[", paste(sprintf("%.17g", v), collapse = ","), "]"), class = "json")

case <- function(name, x, y) {
  w <- suppressWarnings(wilcox.test(x, y, paired = TRUE))
  d <- x - y
  list(name = name, x = vec(x), y = vec(y), v = num(unname(w$statistic)), p = num(w$p.value),
       n = sum(d != 0), zeros = sum(d == 0))
}

cases <- list(
  case("exact, n = 10", round(rnorm(10, 0.3), 3), round(rnorm(10), 3)),
  case("exact, n = 15, a clear shift", round(rnorm(15, 1), 3), round(rnorm(15), 3)),
  case("exact, n = 5, every difference positive", c(1.2, 2.3, 3.1, 4.7, 5.05), c(0, 0, 0, 0, 0)),
  case("exact, n = 49", round(rnorm(49, 0.2), 4), round(rnorm(49), 4)),
  case("normal, n = 60", round(rnorm(60, 0.2), 4), round(rnorm(60), 4)),
  case("ties in |d|", c(1, 2, 3, 4, 5, 6, 7, 8), c(0, 0, 5, 2, 3, 3, 4, 9)),
  case("zeros", c(0.71, 0.65, 0.80, 0.72, 0.69, 0.75, 0.70, 0.66), c(0.71, 0.60, 0.74, 0.72, 0.70, 0.69, 0.64, 0.66)),
  case("V at its mean", c(1, -1, 2, -2), c(0, 0, 0, 0)),
  case("C-index-like, 15 pairs", round(runif(15, 0.55, 0.8), 4), round(runif(15, 0.55, 0.8), 4)))

x <- list(
  header = list(tool = "R stats", tool_version = list(R = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
                call = list(signed_rank = "wilcox.test(x, y, paired = TRUE)"),
                dataset = list(name = "generated", source = "set.seed(20261201) in this script; values in this file"),
                convention_notes = "two-sided; statistic V = sum of the ranks of |d| over d > 0; zeros dropped",
                generator = "parachute/stats/testdata/gen/wilcoxon.R", date = format(Sys.Date())),
  cases = cases)
writeLines(toJSON(x, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "reference/wilcoxon.json")
