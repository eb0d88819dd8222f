package wire

// The generated shapes come from botocore's models, installed with boto3
// (python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))').
//go:generate sh -c "go run ./gen -model $(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data/iam/2010-05-08/service-2.json.gz -pkg iamwire -omit-values -summarize-lists -out iamwire/zz_generated.go"
//go:generate sh -c "go run ./gen -model $(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data/sts/2011-06-15/service-2.json.gz -pkg stswire -out stswire/zz_generated.go"
