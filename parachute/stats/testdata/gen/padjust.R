#!/usr/bin/env Rscript
# Reference values for package parachute/stats: multiplicity adjustments,
# p.adjust(p, "holm") and p.adjust(p, "BH") (R's defaults: NA p-values stay
# NA and are not counted in n).
#
# Run from parachute/stats/testdata:   Rscript gen/padjust.R
# Needs Debian r-base-core r-cran-jsonlite. go test never runs this script.
# The cases are written here by hand and drawn from set.seed(20261205), and
# stored with 17 significant digits (NA as null).
suppressPackageStartupMessages(library(jsonlite))
set.seed(20261205)
vec <- function(v) structure(paste0("[", paste(ifelse(is.na(v), "null", sprintf("%.17g", v)), collapse = ","), "]"), class = "json")

padj <- function(name, p) list(name = name, p = vec(p), holm = vec(p.adjust(p, "holm")), bh = vec(p.adjust(p, "BH")))
cases <- list(
  padj("ten p-values", c(0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.049, 0.9, 0.013, 0.3)),
  padj("ties and a one", c(0.02, 0.02, 0.5, 1, 0.001)),
  padj("with NA", c(0.03, NA, 0.01, 0.2)),
  padj("one p-value", 0.04),
  padj("Holm's running maximum binds", c(0.011, 0.012, 0.013, 0.0125)),
  padj("sixteen uniform", round(runif(16), 5)),
  padj("sixteen small", round(rexp(16, 60), 6)))

x <- list(
  header = list(tool = "R stats", tool_version = list(R = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
                call = list(holm = "p.adjust(p, \"holm\")", bh = "p.adjust(p, \"BH\")"),
                dataset = list(name = "generated", source = "written by hand and set.seed(20261205) in this script; values in this file"),
                convention_notes = "NA stays NA and is not counted in n",
                generator = "parachute/stats/testdata/gen/padjust.R", date = format(Sys.Date())),
  cases = cases)
writeLines(toJSON(x, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "reference/padjust.json")
