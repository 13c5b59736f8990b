"""Batches remember when subscribers were told of them; those already out count as told.

Revision ID: afef6ec74359
Revises: 98b74756be0d
Create Date: 2026-11-22 02:43:42.712771

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'afef6ec74359'
down_revision = '98b74756be0d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('news_sent_at', sa.DateTime(timezone=True), nullable=True))
    moment = datetime.now(UTC)
    if op.get_bind().dialect.name == 'sqlite':
        moment = moment.replace(tzinfo=None)
    op.execute(
        sa.text('UPDATE batch SET news_sent_at = publish_at WHERE publish_at <= :moment')
        .bindparams(moment=moment)
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): rebuilding the table would break chapters' foreign keys.
    op.drop_column('batch', 'news_sent_at')
