# Reference values for package linear's CoxPH, from R's survival package.
#
# Run from parachute/baselines/linear/testdata (Debian: r-base-core,
# r-cran-survival, r-cran-jsonlite):  Rscript gen/coxph.R
# Used: R 4.2.2, survival 3.5-3, jsonlite 1.8.4. go test never runs this script.
#
# Datasets (they ship with R's survival package; written to data/ as CSV with
# the event as 0/1):
#   lung     NCCTG lung cancer trial, complete cases of time, status, age, sex,
#            ph.ecog, ph.karno, wt.loss (many tied times)
#   ovarian  ovarian cancer trial (26 patients)
#   veteran  Veterans' Administration lung cancer trial (many tied times)
# plus two derived from them to exercise R's warnings: ovarian with a
# covariate that separates early deaths (monotone likelihood), and lung with
# a column that is twice another (singular information).
suppressPackageStartupMessages({library(survival); library(jsonlite)})
dir.create("data", showWarnings = FALSE)
dir.create("reference", showWarnings = FALSE)

lung_cc <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss")])
lung_cc$event <- as.integer(lung_cc$status == 2)
lung_cc$age2 <- 2 * lung_cc$age
ov <- ovarian
ov$time <- ov$futime
ov$event <- ov$fustat
ov$sep <- as.numeric(ov$futime < 300 & ov$fustat == 1)
vet <- veteran
vet$event <- vet$status

write_data <- function(d, name, cols) {
  write.csv(d[, c("time", "event", cols)], file.path("data", paste0(name, ".csv")), row.names = FALSE)
}
write_data(lung_cc, "lung", c("age", "sex", "ph.ecog", "ph.karno", "wt.loss", "age2"))
write_data(ov, "ovarian", c("age", "resid.ds", "rx", "ecog.ps", "sep"))
write_data(vet, "veteran", c("karno", "diagtime", "age", "prior", "trt"))
datasets <- list(lung = lung_cc, ovarian = ov, veteran = vet)

fit_case <- function(name, data, covariates, ties, ridge = 0) {
  d <- datasets[[data]]
  rhs <- if (ridge > 0) sprintf("ridge(%s, theta = %g, scale = FALSE)", paste(covariates, collapse = ", "), ridge)
         else paste(covariates, collapse = " + ")
  warnings <- character(0)
  fit <- withCallingHandlers(
    coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = d, ties = ties),
    warning = function(w) { warnings <<- c(warnings, trimws(conditionMessage(w))); invokeRestart("muffleWarning") })
  coef <- unname(fit$coefficients)
  se <- sqrt(diag(fit$var))
  se[is.na(coef)] <- NA
  list(name = name, data = data, covariates = covariates, ties = ties, ridge = ridge,
       coef = coef, se = se, loglik_null = fit$loglik[1], loglik = fit$loglik[2],
       penalty = if (is.null(fit$penalty)) 0 else fit$penalty[2],
       iterations = fit$iter[length(fit$iter)], warnings = I(warnings))
}

cases <- list(
  fit_case("lung-breslow", "lung", c("age", "sex", "ph.ecog"), "breslow"),
  fit_case("lung-efron", "lung", c("age", "sex", "ph.ecog"), "efron"),
  fit_case("lung-all-efron", "lung", c("age", "sex", "ph.ecog", "ph.karno", "wt.loss"), "efron"),
  fit_case("lung-ridge1-breslow", "lung", c("age", "sex", "ph.ecog"), "breslow", ridge = 1),
  fit_case("lung-ridge10-efron", "lung", c("age", "sex", "ph.ecog", "ph.karno", "wt.loss"), "efron", ridge = 10),
  fit_case("ovarian-breslow", "ovarian", c("age", "resid.ds", "rx", "ecog.ps"), "breslow"),
  fit_case("ovarian-efron", "ovarian", c("age", "resid.ds", "rx", "ecog.ps"), "efron"),
  fit_case("veteran-breslow", "veteran", c("karno", "diagtime", "age", "prior", "trt"), "breslow"),
  fit_case("veteran-efron", "veteran", c("karno", "diagtime", "age", "prior", "trt"), "efron"),
  fit_case("ovarian-monotone", "ovarian", c("sep", "age"), "breslow"),
  fit_case("lung-singular", "lung", c("age", "age2", "sex"), "efron")
)
sha256 <- function(path) strsplit(system2("sha256sum", path, stdout = TRUE), " ")[[1]][1]
csvs <- file.path("data", paste0(names(datasets), ".csv"))
header <- list(
  tool = "R survival",
  tool_version = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                      jsonlite = as.character(packageVersion("jsonlite"))),
  call = list(
    fit = "coxph(Surv(time, event) ~ x1 + x2 + ..., data, ties = ties)",
    ridge = "coxph(Surv(time, event) ~ ridge(x1, x2, ..., theta = ridge, scale = FALSE), data, ties = ties)",
    se = "sqrt(diag(fit$var))", loglik = "fit$loglik (null, final; without the penalty)",
    penalty = "fit$penalty[2]", iterations = "the last element of fit$iter",
    warnings = "every warning coxph raised (withCallingHandlers)"),
  dataset = list(
    source = "R survival package datasets lung (complete cases of the listed columns, event = status == 2), ovarian (event = fustat, time = futime) and veteran (event = status); columns age2 = 2 age (lung) and sep = futime < 300 and fustat == 1 (ovarian) added",
    csv = paste0("parachute/baselines/linear/testdata/", csvs),
    sha256 = unname(sapply(csvs, sha256))),
  convention_notes = "coef[j] is null (NA) for a column R drops as collinear; event 1 = death; R's default eps 1e-9 and iter.max 20",
  generator = "parachute/baselines/linear/testdata/gen/coxph.R",
  date = format(Sys.Date()))
writeLines(toJSON(list(header = header, cases = cases), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path("reference", "coxph.json"))
cat("reference/coxph.json:", length(cases), "fits\n")
