"""The catalogue asks workflows, through a hook, whether a regulation is in use."""

import pytest

from config.errors import DomainError
from regulations import services as regulation_services
from regulations.models import Regulation


def test_regulation_delete_refused_while_a_project_executes_it(
    launch, regulation, office_user
):
    # given
    launch()
    # when / then
    with pytest.raises(DomainError, match="已有执行项目"):
        regulation_services.regulation_delete(regulation=regulation, user=office_user)
    assert not Regulation.objects.filter(pk=regulation.pk, is_deleted=True).exists()
