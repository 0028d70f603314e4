module hmapcore.fixture/nilmap

go 1.19
