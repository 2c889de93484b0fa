environment "production" {
  project_ref  = "NOT-A-REF"
  state        = "s3"
  lock_timeout = "5 parsecs"
}
