# expect: safe
import logging

log = logging.getLogger(__name__)

def audit(user, action):
    log.info(f"user={user} action={action}")
    print(f"SELECT would run for {user}")
