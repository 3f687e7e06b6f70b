resource "aws_s3_bucket" "logs" {
  bucket = "logs-dev"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule { # expect: TFS018
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 30
    }
  }

  rule {
    id     = "archive"
    status = "Enabled"
    filter {
      prefix = "archive/"
    }
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
  }
}
