"""`manage.py issue_api_token CLIENT_NAME`: a read-only token for a machine client.

The token is the LAST line of the output, so scripts can take `| tail -n1`.
Issuing again replaces the client's earlier token.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from org import services


class Command(BaseCommand):
    help = "为接口客户端签发只读令牌(最后一行为令牌) / issue a read-only API token"

    def add_arguments(self, parser):
        parser.add_argument("client_name")

    def handle(self, *args, client_name, **options):
        try:
            key = services.api_token_issue(client_name=client_name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        username = services.api_client_username(client_name)
        self.stdout.write(
            f"已为接口客户端 {username} 签发只读令牌(只能读取评分、排名、信用记录)；"
            "旧令牌已失效。 Token issued; any earlier token is revoked:"
        )
        self.stdout.write(key)
