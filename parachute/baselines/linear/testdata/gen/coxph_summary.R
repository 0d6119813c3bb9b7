# Reference values of R's summary(coxph) for package linear's SummarizeCoxPH
# and "parachute coxph" (exp(coef), z, p, 95 % intervals, concordance with its
# standard error, likelihood-ratio, Wald and score tests, R²).
#
# Run from parachute/baselines/linear/testdata (Debian: r-base-core,
# r-cran-survival, r-cran-jsonlite):  Rscript gen/coxph_summary.R
# Used: R 4.2.2, survival 3.5-3, jsonlite 1.8.4. go test never runs this script.
# Reads the CSV files gen/coxph.R wrote to data/ (R's lung, ovarian, veteran).
suppressPackageStartupMessages({library(survival); library(jsonlite)})
summary_case <- function(name, data, covariates, ties) {
  d <- read.csv(file.path("data", paste0(data, ".csv")))
  fit <- suppressWarnings(coxph(as.formula(paste("Surv(time, event) ~", paste(covariates, collapse = " + "))),
                                data = d, ties = ties))
  s <- summary(fit)
  co <- s$coefficients
  ci <- s$conf.int
  # summary() drops the rows of NA coefficients; put them back as NA.
  full <- function(m, col) { v <- setNames(rep(NA_real_, length(covariates)), covariates); v[rownames(m)] <- m[, col]; unname(v) }
  test <- function(t) list(test = unname(t[["test"]]), df = unname(t[["df"]]), pvalue = unname(t[["pvalue"]]))
  list(name = name, data = data, covariates = covariates, ties = ties, n = s$n, nevent = s$nevent,
       coef = full(co, "coef"), exp_coef = full(co, "exp(coef)"), se = full(co, "se(coef)"), z = full(co, "z"),
       p = full(co, "Pr(>|z|)"), exp_neg_coef = full(ci, "exp(-coef)"), lower95 = full(ci, "lower .95"),
       upper95 = full(ci, "upper .95"),
       concordance = unname(s$concordance[1]), concordance_se = unname(s$concordance[2]),
       logtest = test(s$logtest), sctest = test(s$sctest),
       # summary() rounds the Wald statistic to 2 digits; the fit keeps it whole.
       waldtest = list(test = fit$wald.test, df = unname(s$waldtest[["df"]]),
                       pvalue = pchisq(fit$wald.test, unname(s$waldtest[["df"]]), lower.tail = FALSE)),
       rsq = unname(s$rsq[1]), maxrsq = unname(s$rsq[2]))
}
cases <- list(
  summary_case("lung-efron", "lung", c("age", "sex", "ph.ecog"), "efron"),
  summary_case("lung-breslow", "lung", c("age", "sex", "ph.ecog"), "breslow"),
  summary_case("lung-all-efron", "lung", c("age", "sex", "ph.ecog", "ph.karno", "wt.loss"), "efron"),
  summary_case("lung-singular-efron", "lung", c("age", "sex", "age2"), "efron"),
  summary_case("ovarian-efron", "ovarian", c("age", "resid.ds", "rx", "ecog.ps"), "efron"),
  summary_case("veteran-breslow", "veteran", c("karno", "diagtime", "age", "prior", "trt"), "breslow"))
sha256 <- function(path) strsplit(system2("sha256sum", path, stdout = TRUE), " ")[[1]][1]
csvs <- file.path("data", c("lung.csv", "ovarian.csv", "veteran.csv"))
header <- list(
  tool = "R survival",
  tool_version = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                      jsonlite = as.character(packageVersion("jsonlite"))),
  call = list(
    fit = "coxph(Surv(time, event) ~ x1 + x2 + ..., data, ties = ties)",
    summary = "s <- summary(fit): s$coefficients (exp(coef), z, Pr(>|z|)), s$conf.int (exp(-coef), lower .95, upper .95), s$concordance (C, se(C)), s$logtest, s$sctest, s$rsq",
    wald = "fit$wald.test, and pchisq(fit$wald.test, df, lower.tail = FALSE) (summary() rounds the statistic to 2 digits)"),
  dataset = list(
    source = "R survival package datasets lung, ovarian and veteran as gen/coxph.R writes them to data/",
    csv = paste0("parachute/baselines/linear/testdata/", csvs),
    sha256 = unname(sapply(csvs, sha256))),
  convention_notes = "per-covariate values are null (NA) for a column R drops as collinear (summary() omits its row); event 1 = death",
  generator = "parachute/baselines/linear/testdata/gen/coxph_summary.R",
  date = format(Sys.Date()))
writeLines(toJSON(list(header = header, cases = cases), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path("reference", "coxph_summary.json"))
cat("reference/coxph_summary.json:", length(cases), "fits\n")
