#!/usr/bin/env Rscript
# Learnable ceilings of the synthetic pda cohort (seed 1), the references of
# TestQuickProfileOnSyntheticPDA.
#
# Run from parachute/train/testdata:   sh gen/reference.sh
# Needs Debian r-base-core r-cran-survival r-cran-glmnet r-cran-jsonlite (R 4.2.2,
# survival 3.5-3, glmnet 4.1-6 were used for the committed file). go test never
# runs this script.
#
# 1. Ridge-penalised Cox (glmnet, alpha = 0, Breslow ties) on the pooled
#    embeddings of gen/pooled (mean slide vector, mean CT slice vector, zeros
#    and a 0/1 indicator for an absent modality), fitted on each training fold
#    with lambda chosen by 5-fold cross-validation (lambda.min; inner folds
#    assigned in row order, no random numbers), scored by Harrell's C on the
#    test fold: what a tuned linear survival model learns from the same
#    inputs as the network.
# 2. A simulation of the generator's law at the latent level (data.Synthesize:
#    8 pathology and 4 radiology factors correlated 0.7, |beta_p| = 1.5,
#    |beta_r| = 0.6, interaction 0.5, Weibull shape 1.3, uniform censoring
#    with exactly 70 events among 96 patients, 62 pathology-only, 20
#    radiology-only and 14 bimodal patients, 5 random folds): a Breslow Cox
#    model fitted on the TRUE latent factors of each training fold (absent
#    modality's factors set to 0, plus the interaction and an indicator),
#    compared with the oracle C of the true log-hazard on the test folds.
#    It measures how far below the oracle even a model that knows the
#    generator's structure lands with 77 training patients.
# Conventions: risk = linear predictor, higher = earlier death, hence
# reverse = TRUE in concordance(); C averaged over the 5 test folds.

suppressPackageStartupMessages({library(survival); library(glmnet); library(jsonlite)})

harrell <- function(time, event, risk)
  concordance(Surv(time, event) ~ as.numeric(risk), reverse = TRUE)$concordance

d <- read.csv("pooled.csv")
X <- as.matrix(d[, c("has_pathology", "has_radiology", grep("^[pr][0-9]+$", names(d), value = TRUE))])
folds <- list()
for (k in sort(unique(d$fold))) {
  tr <- d$fold != k; te <- d$fold == k
  inner <- (seq_len(sum(tr)) - 1) %% 5 + 1
  cv <- cv.glmnet(X[tr, ], Surv(d$time[tr], d$event[tr]), family = "cox", alpha = 0, foldid = inner)
  risk <- predict(cv, X[te, ], s = "lambda.min")
  folds[[length(folds) + 1]] <- list(
    fold = k, test_patients = sum(te), lambda = cv$lambda.min,
    ridge_cox_c = harrell(d$time[te], d$event[te], risk),
    oracle_c = harrell(d$time[te], d$event[te], d$log_hazard[te]),
    observable_oracle_c = harrell(d$time[te], d$event[te], d$observable_log_hazard[te]))
}
mean_of <- function(key) mean(sapply(folds, `[[`, key))

simulate <- function(rep) {
  set.seed(rep)
  n <- 96; events <- 70; rho <- 0.7
  zp <- matrix(rnorm(n * 8), n)
  zr <- rho * zp[, 1:4] + sqrt(1 - rho^2) * matrix(rnorm(n * 4), n)
  bp <- rnorm(8); bp <- 1.5 * bp / sqrt(sum(bp^2))
  br <- rnorm(4); br <- 0.6 * br / sqrt(sum(br^2))
  eta <- drop(zp %*% bp + zr %*% br + 0.5 * zp[, 1] * zr[, 1])
  t <- (rexp(n) / exp(eta))^(1 / 1.3)
  u <- runif(n)
  scale <- uniroot(function(s) sum(t < s * u) - events + 0.5, c(1e-8, 1e8))$root
  time <- pmin(t, scale * u); event <- as.numeric(t < scale * u)
  kind <- sample(rep(c("p", "r", "b"), c(62, 20, 14)))
  hp <- kind != "r"; hr <- kind != "p"
  xp <- zp * hp; xr <- zr * hr
  x <- cbind(xp, xr, xp[, 1] * xr[, 1], hp)
  fold <- sample(rep(0:4, length.out = n))
  oracle <- fitted <- numeric(5)
  for (k in 0:4) {
    tr <- fold != k; te <- fold == k
    b <- coef(coxph(Surv(time[tr], event[tr]) ~ x[tr, ], ties = "breslow"))
    b[is.na(b)] <- 0
    oracle[k + 1] <- harrell(time[te], event[te], eta[te])
    fitted[k + 1] <- harrell(time[te], event[te], x[te, ] %*% b)
  }
  c(mean(oracle), mean(fitted))
}
reps <- 200
sim <- t(sapply(seq_len(reps), simulate))
gap <- sim[, 1] - sim[, 2]

out <- list(
  header = list(
    tool = "R survival, glmnet",
    tool_version = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                        glmnet = as.character(packageVersion("glmnet")),
                        jsonlite = as.character(packageVersion("jsonlite"))),
    call = list(
      ridge = "cv.glmnet(X[train,], Surv(time, event)[train], family = 'cox', alpha = 0, foldid = (i - 1) %% 5 + 1); predict(cv, X[test,], s = 'lambda.min')",
      harrell = "concordance(Surv(time, event) ~ risk, reverse = TRUE)",
      latent = "coxph(Surv(time, event) ~ cbind(z_p * has_p, z_r * has_r, z_p1 * z_r1 * has_p * has_r, has_p), ties = 'breslow') on simulated latent factors, 200 replicates (set.seed(1..200))"),
    dataset = list(name = "synthetic pda cohort, seed 1 (data.Synthesize)", source = "go run ./parachute/train/testdata/gen/pooled",
                   patients = nrow(d), events = sum(d$event)),
    convention_notes = "risk = linear predictor, higher = earlier death (reverse = TRUE); event = 1 for an observed death; C averaged over the 5 test folds",
    generator = "parachute/train/testdata/gen/reference.sh (gen/pooled + gen/ridge_cox.R)",
    date = format(Sys.Date())),
  folds = folds,
  ridge_cox_mean_c = mean_of("ridge_cox_c"),
  oracle_mean_c = mean_of("oracle_c"),
  observable_oracle_mean_c = mean_of("observable_oracle_c"),
  latent_cox_simulation = list(replicates = reps, oracle_mean_c = mean(sim[, 1]), fitted_mean_c = mean(sim[, 2]),
                               gap_mean = mean(gap), gap_sd = sd(gap), share_gap_over_0.10 = mean(gap > 0.10)))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "reference/ridge_cox_pda.json")
