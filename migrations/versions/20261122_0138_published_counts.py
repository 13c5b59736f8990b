"""Published counts per chapter section kept up to date, and contribution bodies rendered once.

Revision ID: 5cc7036a4407
Revises: 85634d7e393d
Create Date: 2026-11-22 01:38:51.004892

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5cc7036a4407'
down_revision = '85634d7e393d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contribution_count',
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('section_anchor', sa.String(length=80), nullable=False),
    sa.Column('published_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapter.id'], name=op.f('fk_contribution_count_chapter_id_chapter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chapter_id', 'section_anchor', name=op.f('pk_contribution_count'))
    )
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))
    # Count what is already published; from now on every change of state adjusts these rows.
    # (Bodies written before keep body_html empty and are rendered when shown.)
    op.execute(
        "INSERT INTO contribution_count (chapter_id, section_anchor, published_count) "
        "SELECT chapter_id, COALESCE(section_anchor, ''), COUNT(*) FROM contribution "
        "WHERE status = 'published' GROUP BY chapter_id, COALESCE(section_anchor, '')"
    )


def downgrade():
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_column('body_html')

    op.drop_table('contribution_count')
