"""12345 hotline work orders (issue 11): the hotline platform's export (.xlsx/.csv) or its push
(API) becomes appeals in the one pool with the hotline as their channel, idempotent by 工单编号;
the results go back in the platform's shape (工单编号, 办理结果, 办结时间, 满意度)."""
