"""Alert notifications: messages (message.py) sent through apprise (send.py).

apprise is one library for email/SMTP, Slack, Teams, Telegram, Matrix, ntfy,
generic JSON webhooks and more, each addressed by a URL, so a rule's
`channels` are apprise URLs and dyadwatch needs no code per service.
"""
