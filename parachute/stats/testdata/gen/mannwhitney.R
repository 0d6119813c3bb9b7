#!/usr/bin/env Rscript
# Reference values for package parachute/stats: the Wilcoxon rank-sum
# (Mann-Whitney U) test, wilcox.test(x, y), two-sided, R's defaults (exact for
# both groups under 50 without ties, else the normal approximation with tie and
# continuity corrections), and Benjamini-Hochberg adjusted p-values,
# p.adjust(p, "BH").
#
# Run from parachute/stats/testdata:   Rscript gen/mannwhitney.R
# Needs Debian r-base-core r-cran-jsonlite. go test never runs this script.
# The cases are generated here from a fixed seed (set.seed(20261202)) and
# written into the JSON with 17 significant digits.
suppressPackageStartupMessages(library(jsonlite))
set.seed(20261202)
num <- function(v) structure(sprintf("%.17g", v), class = "json")
vec <- function(v) structure(paste0("[", paste(ifelse(is.na(v), "null", sprintf("%.17g", v)), collapse = ","), "]"), class = "json")

case <- function(name, x, y) {
  w <- suppressWarnings(wilcox.test(x, y))
  ties <- length(unique(c(x, y))) < length(c(x, y))
  list(name = name, x = vec(x), y = vec(y), w = num(unname(w$statistic)), p = num(w$p.value),
       exact = length(x) < 50 && length(y) < 50 && !ties)
}

cases <- list(
  case("exact, 8 and 10", round(rnorm(8, 0.5), 4), round(rnorm(10), 4)),
  case("exact, 12 and 7, a clear shift", round(rnorm(12, 1.5), 4), round(rnorm(7), 4)),
  case("exact, one value against 6", 3.3, round(rnorm(6), 4)),
  case("exact, 49 and 30", round(rexp(49, 1), 5), round(rexp(30, 0.7), 5)),
  case("exact, W at its mean", c(1, 4), c(2, 3)),
  case("normal, 60 and 45", round(rnorm(60, 0.3), 4), round(rnorm(45), 4)),
  case("ties, small groups", c(1, 2, 2, 3, 5), c(2, 3, 3, 4, 6, 7)),
  case("ties, densities", round(rgamma(20, 2, 0.01), -1), round(rgamma(25, 2.5, 0.01), -1)),
  case("every x above every y", c(10, 11, 12, 13), c(1, 2, 3)))

padj <- function(name, p) list(name = name, p = vec(p), q = vec(p.adjust(p, "BH")))
bh <- list(
  padj("ten p-values", c(0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.049, 0.9, 0.013, 0.3)),
  padj("ties and a one", c(0.02, 0.02, 0.5, 1, 0.001)),
  padj("with NA", c(0.03, NA, 0.01, 0.2)))

x <- list(
  header = list(tool = "R stats", tool_version = list(R = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
                call = list(rank_sum = "wilcox.test(x, y)", bh = "p.adjust(p, \"BH\")"),
                dataset = list(name = "generated", source = "set.seed(20261202) in this script; values in this file"),
                convention_notes = "two-sided; statistic W = sum of the ranks of x - n_x(n_x+1)/2",
                generator = "parachute/stats/testdata/gen/mannwhitney.R", date = format(Sys.Date())),
  cases = cases, bh = bh)
writeLines(toJSON(x, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "reference/mannwhitney.json")
