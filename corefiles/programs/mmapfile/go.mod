module hmapcore.fixture/mmapfile

go 1.19
