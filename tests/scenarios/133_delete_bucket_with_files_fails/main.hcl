# The exports bucket, created by an earlier apply, is gone from the configuration while it
# holds two files: dangerous (D211, with the count), and the delete is refused by the
# database until the bucket is emptied through the Storage API — no file row is deleted
# behind the storage service's back.
project {
  name = "scenario"
}
