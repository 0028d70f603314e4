module hmapcore.fixture/hostile

go 1.19
