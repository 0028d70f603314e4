module hmapcore.fixture/frameroots

go 1.19
