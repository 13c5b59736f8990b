"""Official answers to contributions, one per contribution, with the history of their published edits.

Revision ID: 656deb5cbbfb
Revises: 5cc7036a4407
Create Date: 2026-11-22 02:21:02.429971

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '656deb5cbbfb'
down_revision = '5cc7036a4407'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('disposition', sa.Enum('taken', 'partly_taken', 'not_retained', 'out_of_scope', 'information', name='answer_disposition', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='answer_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_answer_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_answer_moderator_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('contribution_id', name=op.f('uq_answer_contribution_id'))
    )
    op.create_table('answer_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('disposition', sa.Enum('taken', 'partly_taken', 'not_retained', 'out_of_scope', 'information', name='answer_revision_disposition', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_revision_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edited_by_id'], ['user_account.id'], name=op.f('fk_answer_revision_edited_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_revision'))
    )
    with op.batch_alter_table('answer_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_revision_answer_id'), ['answer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('answer_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_revision_answer_id'))

    op.drop_table('answer_revision')
    op.drop_table('answer')
