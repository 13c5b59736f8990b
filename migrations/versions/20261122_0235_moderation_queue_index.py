"""The moderation queue reads one status oldest first from an index, even at a million contributions.

Revision ID: 98b74756be0d
Revises: 656deb5cbbfb
Create Date: 2026-11-22 02:35:50.722071

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '98b74756be0d'
down_revision = '656deb5cbbfb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.create_index('ix_contribution_queue', ['status', 'submitted_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_index('ix_contribution_queue')

