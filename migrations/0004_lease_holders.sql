-- How many claims a reviewer holds is counted on every AcquireClaim (the
-- lease limit); without this index the count reads every claim.
CREATE INDEX claims_by_lease_holder ON claims (lease_holder, lease_expire_time)
    WHERE lease_holder IS NOT NULL;
