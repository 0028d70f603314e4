module hmapcore.thirdparty/loadgen

go 1.21
