# Reference values for package linear's CoxNet, from R's glmnet.
#
# Run from parachute/baselines/linear/testdata (Debian: r-base-core,
# r-cran-survival, r-cran-glmnet, r-cran-jsonlite), after gen/coxph.R (which
# writes data/lung.csv and data/veteran.csv):  Rscript gen/coxnet.R
# Used: R 4.2.2, glmnet 4.1-6, survival 3.5-3, jsonlite 1.8.4. go test never
# runs this script.
#
# glmnet's coxnet moves censored times up by 100 machine epsilons so that a
# censoring at a death time stays in that death's risk set (as coxph keeps
# it); at times of 256 or more the shift is below half a unit in the last
# place and vanishes, and the risk set of such a tie then depends on glmnet's
# sort. The fits therefore see time in years (days / 365.25), where the shift
# holds; ranks, and so the partial likelihood, are those of the days.
suppressPackageStartupMessages({library(survival); library(glmnet); library(jsonlite)})

pbc_cc <- na.omit(pbc[, c("time", "status", "age", "bili", "albumin", "edema", "protime", "copper", "ast")])
pbc_cc$event <- as.integer(pbc_cc$status == 2)
write.csv(pbc_cc[, c("time", "event", "age", "bili", "albumin", "edema", "protime", "copper", "ast")],
          file.path("data", "pbc.csv"), row.names = FALSE)

fit_case <- function(name, data, covariates, alpha, lambda = NULL, standardize = TRUE, penalty_factor = NULL, nlambda = 100) {
  d <- read.csv(file.path("data", paste0(data, ".csv")))
  x <- as.matrix(d[, covariates])
  y <- Surv(d$time / 365.25, d$event)
  pf <- if (is.null(penalty_factor)) rep(1, ncol(x)) else penalty_factor
  fit <- glmnet(x, y, family = "cox", alpha = alpha, lambda = lambda, standardize = standardize,
                penalty.factor = pf, nlambda = nlambda, thresh = 1e-14, maxit = 1e7)
  coef <- as.matrix(coef(fit))
  list(name = name, data = data, covariates = covariates, alpha = alpha, standardize = standardize,
       penalty_factor = pf, user_lambda = !is.null(lambda), nlambda = nlambda,
       lambda = fit$lambda, coef = unname(lapply(seq_len(ncol(coef)), function(k) unname(coef[, k]))))
}

lung5 <- c("age", "sex", "ph.ecog", "ph.karno", "wt.loss")
vet5 <- c("karno", "diagtime", "age", "prior", "trt")
pbc7 <- c("age", "bili", "albumin", "edema", "protime", "copper", "ast")
cases <- list(
  fit_case("lung-lasso-standardized", "lung", lung5, 1, lambda = c(0.2, 0.1, 0.05, 0.02, 0.005)),
  fit_case("lung-enet-raw", "lung", lung5, 0.5, lambda = c(0.2, 0.1, 0.05, 0.02, 0.005), standardize = FALSE),
  fit_case("lung-default-path", "lung", lung5, 1, nlambda = 20),
  fit_case("veteran-enet-standardized", "veteran", vet5, 0.5, lambda = c(0.3, 0.1, 0.03, 0.01)),
  fit_case("veteran-ridge-standardized", "veteran", vet5, 0, lambda = c(1, 0.3, 0.1, 0.01)),
  fit_case("pbc-lasso-raw", "pbc", pbc7, 1, lambda = c(0.5, 0.2, 0.1, 0.03, 0.01), standardize = FALSE),
  fit_case("pbc-enet-penalty-factors", "pbc", pbc7, 0.2, lambda = c(1, 0.3, 0.1, 0.03),
           penalty_factor = c(0, 1, 1, 2, 1, 1, 0.5))
)

sha256 <- function(path) strsplit(system2("sha256sum", path, stdout = TRUE), " ")[[1]][1]
csvs <- file.path("data", c("lung.csv", "veteran.csv", "pbc.csv"))
header <- list(
  tool = "R glmnet",
  tool_version = list(R = R.version.string, glmnet = as.character(packageVersion("glmnet")),
                      survival = as.character(packageVersion("survival")), jsonlite = as.character(packageVersion("jsonlite"))),
  call = list(fit = "glmnet(x, Surv(time / 365.25, event), family = 'cox', alpha, lambda (or nlambda), standardize, penalty.factor, thresh = 1e-14, maxit = 1e7)",
              coef = "as.matrix(coef(fit)), one column per lambda"),
  dataset = list(
    source = "R survival package datasets lung and veteran (as written by gen/coxph.R) and pbc (complete cases of the listed columns, event = status == 2: death; transplant censored)",
    csv = paste0("parachute/baselines/linear/testdata/", csvs), sha256 = unname(sapply(csvs, sha256))),
  convention_notes = "objective -loglik/n + lambda (alpha |b|_1 + (1-alpha)/2 |b|^2) with penalty factors rescaled to sum to p; Breslow ties; time in years (see the script's comment); coefficients on the original scale",
  generator = "parachute/baselines/linear/testdata/gen/coxnet.R",
  date = format(Sys.Date()))
writeLines(toJSON(list(header = header, cases = cases), digits = NA, auto_unbox = TRUE, pretty = TRUE),
           file.path("reference", "coxnet.json"))
cat("reference/coxnet.json:", length(cases), "paths\n")
