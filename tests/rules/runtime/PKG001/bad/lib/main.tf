resource "aws_iam_role" "fn" {
  name = "fn-role-dev"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "prebuilt" {
  function_name = "prebuilt-dev"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "${path.module}/build/prebuilt.zip" # expect: PKG001
}

data "archive_file" "typo" {
  type        = "zip"
  source_dir  = "${path.module}/lambdas"
  output_path = "${path.module}/build/typo.zip"
}

resource "aws_lambda_function" "typo" {
  function_name = "typo-dev"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.typo.output_path # expect: PKG001
}

output "functions" {
  value = [aws_lambda_function.prebuilt.arn, aws_lambda_function.typo.arn]
}
